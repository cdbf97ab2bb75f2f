# Rendered by: gnuplot figS1-full.gp (run from this directory)
set terminal pngcairo size 1400,900 noenhanced font 'Sans,11'
set output 'figS1-full.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 2,2 title 'DFC Fig. S1 (reconstructed): the Fig. 3 DFC runs, solid = trained feedback, dashed = fixed; full scale'
set xlabel 'Epoch'
set key bottom right font ',8'
set title 'λ_max of the system matrices'
plot 0 with lines lc rgb '#888888' notitle, \
     'figS1-full_wide.csv' using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'A_tildeI', \
     'figS1-full_wide.csv' using 1:3 with lines lw 2 lc rgb '#ff7f0e' title 'A_I', \
     'figS1-full_wide.csv' using 1:4 with lines lw 2 lc rgb '#2ca02c' title 'A_I_inst', \
     'figS1-full_wide.csv' using 1:5 with lines lw 2 lc rgb '#d62728' title 'A_PI', \
     'figS1-full_wide.csv' using 1:16 with lines lw 2 dt 2 lc rgb '#1f77b4' title 'A_tildeI (fixed)', \
     'figS1-full_wide.csv' using 1:17 with lines lw 2 dt 2 lc rgb '#ff7f0e' title 'A_I (fixed)', \
     'figS1-full_wide.csv' using 1:18 with lines lw 2 dt 2 lc rgb '#2ca02c' title 'A_I_inst (fixed)', \
     'figS1-full_wide.csv' using 1:19 with lines lw 2 dt 2 lc rgb '#d62728' title 'A_PI (fixed)'
set title '(‖r_i‖ − mean)/mean per layer (Condition 1)'
plot 0 with lines lc rgb '#888888' notitle, \
     'figS1-full_wide.csv' using 1:6 with lines lw 2 lc rgb '#1f77b4' title 'input', \
     'figS1-full_wide.csv' using 1:7 with lines lw 2 lc rgb '#ff7f0e' title 'layer 1', \
     'figS1-full_wide.csv' using 1:8 with lines lw 2 lc rgb '#2ca02c' title 'layer 2', \
     'figS1-full_wide.csv' using 1:20 with lines lw 2 dt 2 lc rgb '#1f77b4' title 'input (fixed)', \
     'figS1-full_wide.csv' using 1:21 with lines lw 2 dt 2 lc rgb '#ff7f0e' title 'layer 1 (fixed)', \
     'figS1-full_wide.csv' using 1:22 with lines lw 2 dt 2 lc rgb '#2ca02c' title 'layer 2 (fixed)'
set title 'per-layer angle with MN (thick) and GN (thin) [°]'
set yrange [0:*]
plot 'figS1-full_wide.csv' using 1:9 with lines lw 2 lc rgb '#1f77b4' title 'layer 1 MN', \
     'figS1-full_wide.csv' using 1:10 with lines lw 1 lc rgb '#1f77b4' notitle, \
     'figS1-full_wide.csv' using 1:11 with lines lw 2 lc rgb '#ff7f0e' title 'layer 2 MN', \
     'figS1-full_wide.csv' using 1:12 with lines lw 1 lc rgb '#ff7f0e' notitle, \
     'figS1-full_wide.csv' using 1:13 with lines lw 2 lc rgb '#2ca02c' title 'layer 3 MN', \
     'figS1-full_wide.csv' using 1:14 with lines lw 1 lc rgb '#2ca02c' notitle, \
     'figS1-full_wide.csv' using 1:23 with lines lw 2 dt 2 lc rgb '#1f77b4' title 'layer 1 MN (fixed)', \
     'figS1-full_wide.csv' using 1:24 with lines lw 1 dt 2 lc rgb '#1f77b4' notitle, \
     'figS1-full_wide.csv' using 1:25 with lines lw 2 dt 2 lc rgb '#ff7f0e' title 'layer 2 MN (fixed)', \
     'figS1-full_wide.csv' using 1:26 with lines lw 1 dt 2 lc rgb '#ff7f0e' notitle, \
     'figS1-full_wide.csv' using 1:27 with lines lw 2 dt 2 lc rgb '#2ca02c' title 'layer 3 MN (fixed)', \
     'figS1-full_wide.csv' using 1:28 with lines lw 1 dt 2 lc rgb '#2ca02c' notitle
set yrange [*:*]
set title 'Condition 2'
plot 'figS1-full_wide.csv' using 1:15 with lines lw 2 lc rgb '#4169E1' title 'Condition 2', \
     'figS1-full_wide.csv' using 1:29 with lines lw 2 dt 2 lc rgb '#4169E1' title 'Condition 2 (fixed)'
unset multiplot
