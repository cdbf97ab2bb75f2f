# Rendered by: gnuplot figS2.gp (run from this directory)
set terminal pngcairo size 1300,500 noenhanced font 'Sans,11'
set output 'figS2.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 1,2 title 'DFC Fig. S2 (reconstructed): angle between Q and Jᵀ(JJᵀ + γI)⁻¹ during feedback learning (k_p,fb 0, α_fb 0.5)'
set xlabel 'logged iteration (every 5 minibatches)'
set ylabel 'angle [°]'
set key top right font ',9'
set yrange [0:*]
set title 'linear'
plot 'figS2_wide.csv' using 1:2 with lines lw 2 lc rgb '#440154' title 'γ = 0.0', \
     'figS2_wide.csv' using 1:3 with lines lw 2 lc rgb '#3b528b' title 'γ = 0.1', \
     'figS2_wide.csv' using 1:4 with lines lw 2 lc rgb '#21918c' title 'γ = 1.0', \
     'figS2_wide.csv' using 1:5 with lines lw 2 lc rgb '#5ec962' title 'γ = 5.0', \
     'figS2_wide.csv' using 1:6 with lines lw 2 lc rgb '#fde725' title 'γ = 10.0', \
     'figS2_wide.csv' using 1:7 with lines lw 2 lc rgb '#f98e09' title 'γ = 100.0', \
     'figS2_wide.csv' using 1:8 with lines lw 2 lc rgb '#d62728' title 'γ = 1000.0'
set title 'tanh'
plot 'figS2_wide.csv' using 1:9 with lines lw 2 lc rgb '#440154' title 'γ = 0.0', \
     'figS2_wide.csv' using 1:10 with lines lw 2 lc rgb '#3b528b' title 'γ = 0.1', \
     'figS2_wide.csv' using 1:11 with lines lw 2 lc rgb '#21918c' title 'γ = 1.0', \
     'figS2_wide.csv' using 1:12 with lines lw 2 lc rgb '#5ec962' title 'γ = 5.0', \
     'figS2_wide.csv' using 1:13 with lines lw 2 lc rgb '#fde725' title 'γ = 10.0', \
     'figS2_wide.csv' using 1:14 with lines lw 2 lc rgb '#f98e09' title 'γ = 100.0', \
     'figS2_wide.csv' using 1:15 with lines lw 2 lc rgb '#d62728' title 'γ = 1000.0'
unset multiplot
