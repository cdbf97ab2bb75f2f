# Rendered by: gnuplot angles.gp (run from this directory)
set terminal pngcairo size 1800,600 noenhanced font 'Sans,11'
set output 'angles.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 1,3 title 'GAIT-prop vs BP: update angle per layer (full width 5 × 784², Fashion-MNIST batches; suite-defined figure)'
set logscale y
set format y '%g'
set format x '%g'
set label 1 'angles < 1e-4° drawn at 1e-4°' at graph 0.02, graph 0.03 font ',8'
set key top left font ',8'
set ylabel 'angle to BP (degrees)'
set title '(a) at orthogonal init: solid = published absolute form, dashed = deviation form (fix)'
set logscale x
set xlabel 'γ'
set yrange [1e-4:180]
set arrow 1 from 1e-3, graph 0 to 1e-3, graph 1 nohead lc rgb '#888888' dt 2
plot 'angles.csv' using 1:($2<1e-4?1e-4:$2) with linespoints lw 2 pt 7 lc rgb '#440154' title 'layer 1', \
     '' using 1:($7<1e-4?1e-4:$7) with linespoints lw 2 dt 2 pt 6 lc rgb '#440154' notitle, \
     'angles.csv' using 1:($3<1e-4?1e-4:$3) with linespoints lw 2 pt 7 lc rgb '#3b528b' title 'layer 2', \
     '' using 1:($8<1e-4?1e-4:$8) with linespoints lw 2 dt 2 pt 6 lc rgb '#3b528b' notitle, \
     'angles.csv' using 1:($4<1e-4?1e-4:$4) with linespoints lw 2 pt 7 lc rgb '#21918c' title 'layer 3', \
     '' using 1:($9<1e-4?1e-4:$9) with linespoints lw 2 dt 2 pt 6 lc rgb '#21918c' notitle, \
     'angles.csv' using 1:($5<1e-4?1e-4:$5) with linespoints lw 2 pt 7 lc rgb '#5ec962' title 'layer 4', \
     '' using 1:($10<1e-4?1e-4:$10) with linespoints lw 2 dt 2 pt 6 lc rgb '#5ec962' notitle
unset arrow 1
set title '(b) W = Q + εG/√n, γ = 1e-2 (ε = 0 at left edge; Gaussian init at 0.3)'
set xlabel 'ε'
set xrange [5e-5:0.6]
plot 'angles.csv' using 12:($13<1e-4?1e-4:$13) with linespoints lw 2 pt 7 lc rgb '#440154' title 'layer 1', \
     '' using 18:($19<1e-4?1e-4:$19) with points pt 5 ps 1.5 lc rgb '#440154' notitle, \
     'angles.csv' using 12:($14<1e-4?1e-4:$14) with linespoints lw 2 pt 7 lc rgb '#3b528b' title 'layer 2', \
     '' using 18:($20<1e-4?1e-4:$20) with points pt 5 ps 1.5 lc rgb '#3b528b' notitle, \
     'angles.csv' using 12:($15<1e-4?1e-4:$15) with linespoints lw 2 pt 7 lc rgb '#21918c' title 'layer 3', \
     '' using 18:($21<1e-4?1e-4:$21) with points pt 5 ps 1.5 lc rgb '#21918c' notitle, \
     'angles.csv' using 12:($16<1e-4?1e-4:$16) with linespoints lw 2 pt 7 lc rgb '#5ec962' title 'layer 4', \
     '' using 18:($22<1e-4?1e-4:$22) with points pt 5 ps 1.5 lc rgb '#5ec962' notitle
set title '(c) training, FMNIST: solid GAIT γ=1e-3, dashed γ=1e-2, dotted TP'
unset logscale x
set xrange [*:*]
set xlabel 'batch'
plot 'angles.csv' using 24:($25<1e-4?1e-4:$25) with lines lw 2 dt 1 lc rgb '#440154' title 'layer 1', \
     'angles.csv' using 24:($26<1e-4?1e-4:$26) with lines lw 2 dt 1 lc rgb '#3b528b' title 'layer 2', \
     'angles.csv' using 24:($27<1e-4?1e-4:$27) with lines lw 2 dt 1 lc rgb '#21918c' title 'layer 3', \
     'angles.csv' using 24:($28<1e-4?1e-4:$28) with lines lw 2 dt 1 lc rgb '#5ec962' title 'layer 4', \
     'angles.csv' using 24:($30<1e-4?1e-4:$30) with lines lw 2 dt 2 lc rgb '#440154' notitle, \
     'angles.csv' using 24:($31<1e-4?1e-4:$31) with lines lw 2 dt 2 lc rgb '#3b528b' notitle, \
     'angles.csv' using 24:($32<1e-4?1e-4:$32) with lines lw 2 dt 2 lc rgb '#21918c' notitle, \
     'angles.csv' using 24:($33<1e-4?1e-4:$33) with lines lw 2 dt 2 lc rgb '#5ec962' notitle, \
     'angles.csv' using 24:($35<1e-4?1e-4:$35) with lines lw 2 dt 3 lc rgb '#440154' notitle, \
     'angles.csv' using 24:($36<1e-4?1e-4:$36) with lines lw 2 dt 3 lc rgb '#3b528b' notitle, \
     'angles.csv' using 24:($37<1e-4?1e-4:$37) with lines lw 2 dt 3 lc rgb '#21918c' notitle, \
     'angles.csv' using 24:($38<1e-4?1e-4:$38) with lines lw 2 dt 3 lc rgb '#5ec962' notitle
unset multiplot
